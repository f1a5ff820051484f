//! A proposal: the propose_fix outputs, the pull-request body, and the preview that renders it without a checkout.

pub mod body;
pub mod preview;
pub mod propose;
