//! Exit codes shared by every pfiles tool.
//!
//! They follow grep, because the tools live in shell pipelines and scripts
//! already test grep's codes: 0 when something was found (or the job
//! succeeded), 1 when nothing was found (or a check found problems, for the
//! tools that check), 2 on an error. An error beats "found": a run that matched
//! in one file but could not read another exits 2, so a script never mistakes
//! a partial answer for a complete one (grep's `-q` is the one exception: a
//! match is all it asked). A broken pipe is not an error: `tool | head -1`
//! exits 0.

/// The process exit status of a pfiles tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Something was found, or the job succeeded.
    Found = 0,
    /// Nothing was found, or a check reported findings.
    NotFound = 1,
    /// An error occurred (bad arguments, unreadable input, ...).
    Error = 2,
}

impl ExitStatus {
    /// The status of a run that found something (`found`) and did or did not
    /// meet errors along the way. `quiet` is grep's `-q`: a match wins even
    /// over errors.
    pub fn from_run(found: bool, errored: bool, quiet: bool) -> ExitStatus {
        match (found, errored) {
            (true, true) if quiet => ExitStatus::Found,
            (_, true) => ExitStatus::Error,
            (true, false) => ExitStatus::Found,
            (false, false) => ExitStatus::NotFound,
        }
    }

    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(status.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grep_conventions() {
        assert_eq!(ExitStatus::from_run(true, false, false).code(), 0);
        assert_eq!(ExitStatus::from_run(false, false, false).code(), 1);
        assert_eq!(ExitStatus::from_run(true, true, false).code(), 2);
        assert_eq!(ExitStatus::from_run(false, true, true).code(), 2);
        assert_eq!(ExitStatus::from_run(true, true, true).code(), 0);
    }
}
