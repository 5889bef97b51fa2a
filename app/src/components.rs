//! Pieces the pages share.

pub mod bell;
pub mod chart;
pub mod feedback;
pub mod paged;
pub mod shell;
pub mod sla_badge;
pub mod time;
