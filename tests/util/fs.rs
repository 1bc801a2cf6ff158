//! Files in tests: temporary directories and the writes a logger makes.

use std::io::Write;
use std::path::Path;

/// A fresh temporary directory that disappears with the test.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("pfiles-test-")
        .tempdir()
        .expect("create temp dir")
}

/// Append `bytes` to `path` (created if need be), as a logger that opens,
/// writes and closes does: one write.
pub fn append(path: &Path, bytes: impl AsRef<[u8]>) {
    appender(path).write_all(bytes.as_ref()).expect("append");
}

/// A writer that keeps its descriptor, as a logger does: `path` opened for
/// appending (created if need be).
pub fn appender(path: &Path) -> std::fs::File {
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .expect("open for append")
}

/// chmod.
pub fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}
