//! One module per route.

pub mod appointments;
pub mod audit;
pub mod case;
pub mod complaints;
pub mod contact;
pub mod customers;
pub mod dashboard;
pub mod faq;
pub mod follow_ups;
pub mod knowledge;
pub mod login;
pub mod new_case;
pub mod not_found;
pub mod password;
pub mod queue;
pub mod reports;
pub mod sections;
pub mod settings;
pub mod survey;
pub mod survey_editor;
pub mod surveys;
