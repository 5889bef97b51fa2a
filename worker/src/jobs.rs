//! The jobs the crons run. Each does a bounded amount of work per run and leaves the rest for
//! the next; a run that dies half-way has written whole batches only, and repeats nothing.

pub mod deliver;
pub mod dispatch;
pub mod planning;
pub mod reminders;
pub mod stats;
pub mod sweep;
