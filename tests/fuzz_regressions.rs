//! Crashes the fuzz targets in `fuzz/` found, replayed through the same
//! library calls (the minimized inputs are in `fuzz/regressions/TARGET/`).
//! Each test is named after what broke.

use pfiles_tail::time::{Detector, Zone};

/// fuzz/regressions/tail_time/year-inferred-from-reference-at-i64-max:
/// a timestamp without a year takes its year from a reference time, the
/// file's modification time, which `time::to_micros` clamps to ±i64::MAX
/// for a file dated beyond year 292,277 (or before -290,308). Computing
/// that year's instant overflowed i64 (a panic with overflow checks, a
/// wrapped, meaningless instant without).
#[test]
fn a_yearless_timestamp_with_a_reference_at_the_end_of_time_does_not_overflow() {
    let zone = Zone::utc();
    for reference in [i64::MAX, -i64::MAX, i64::MIN] {
        let mut d = Detector::new(None);
        d.train(b"10.30 16:49:06 x\n");
        assert!(
            d.stamp(&zone, b"10.30 16:49:06 x", reference).is_some(),
            "reference {reference}"
        );
    }
}

/// fuzz/regressions/tail_time/packed-milliseconds-overflow: the
/// `yyyyMMdd-HH:mm:ss:SSS` format read the digits after the last colon
/// into a u32 before checking there were at most three, so a long run of
/// digits overflowed.
#[test]
fn packed_timestamp_with_a_long_run_of_millisecond_digits_does_not_overflow() {
    let zone = Zone::utc();
    let mut d = Detector::new(None);
    assert_eq!(
        d.stamp(&zone, b"20171223-2:5:9:6061154481", 0),
        None,
        "ten digits of milliseconds are no timestamp"
    );
    let mut d = Detector::new(None);
    assert!(d.stamp(&zone, b"20171223-22:16:0:96|Step", 0).is_some());
}
