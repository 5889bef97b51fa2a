//! Pieces the pages share.

pub mod bell;
pub mod feedback;
pub mod shell;
pub mod sla_badge;
pub mod time;
