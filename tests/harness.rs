//! The promises of `tests/util` that every other test leans on: a bounded
//! wait fails at its limit instead of hanging, and a spawned child does not
//! outlive a failing test.

mod util;

use std::process::Command;
use std::time::Duration;

use util::{Child, alive, wait_until};

#[test]
#[should_panic(expected = "timed out waiting for what never comes")]
fn wait_until_fails_at_its_limit() {
    wait_until(Duration::from_millis(100), "what never comes", || false);
}

#[test]
#[should_panic(expected = "did not exit within")]
fn wait_bounded_fails_at_its_limit() {
    let mut c = Child::spawn(Command::new("sleep").arg("60"));
    c.wait_bounded(Duration::from_millis(100));
}

#[test]
fn a_child_is_killed_and_reaped_when_a_test_fails() {
    let mut pid = 0;
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let c = Child::spawn(Command::new("sleep").arg("60"));
        pid = i32::try_from(c.id()).expect("pid");
        panic!("an assertion fails while the child runs");
    }));
    assert!(failed.is_err());
    assert!(!alive(pid), "sleep (pid {pid}) outlived the test");
    assert!(
        std::fs::metadata(format!("/proc/{pid}")).is_err(),
        "sleep (pid {pid}) was not reaped"
    );
}
