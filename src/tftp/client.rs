//! TEMPORARY: being written. Not shipped as is.
use crate::net::{SessionError, WorkerContext};

pub fn run(_config: super::ClientConfig, _context: WorkerContext) -> Result<(), SessionError> {
    Err(SessionError::Unsupported)
}
