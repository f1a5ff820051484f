//! What a repository's own governance documents say: the checkout as core sees it, markdown, the documents and the diagnosis.

pub mod adopt;
pub mod diagnosis;
pub mod docs;
pub mod markdown;
pub mod records;
pub mod source;
