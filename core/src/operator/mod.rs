//! What the operator configures: the registry of governed repositories and the settings read from the environment or the Action's inputs.

pub mod registry;
pub mod settings;
