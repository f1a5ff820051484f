//! Talking to GitHub without doing I/O: the apply protocol and the doctor checks, as state machines an executor drives.

pub mod apply;
pub mod doctor;
