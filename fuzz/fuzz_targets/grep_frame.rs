//! The daemon's frame decoder (`pfiles_grep::daemon::protocol::read_frame`)
//! on arbitrary socket bytes, delivered in arbitrary pieces (short reads,
//! `EINTR`), and every payload decoded as each JSON message either side
//! accepts (`Hello`, `HelloOk`, `Query`, `Status`, `ScanReport`).
//!
//! Input: byte 0 gives the number `n` (0..=15) of read-size bytes that
//! follow; the rest is the stream. With `n == 0` every read gets all it
//! asks for.
//!
//! Properties checked, besides "no panic, no hang, no huge allocation":
//! * a frame read re-encodes with `write_frame` to exactly the bytes it
//!   consumed (the decoder neither skips nor invents bytes);
//! * a message that decodes re-encodes and decodes to the same value.
#![no_main]

use std::io::{self, Read};

use libfuzzer_sys::fuzz_target;
use pfiles_grep::daemon::protocol::{
    self, Frame, Hello, HelloOk, ProtocolError, Query, ScanReport, Status,
};
use serde::{Deserialize, Serialize};

/// A reader that hands out the stream in pieces of the given sizes, and
/// reports `Interrupted` (a bounded number of times) for a size byte of
/// `0xff`.
struct Pieces<'a> {
    data: &'a [u8],
    pos: usize,
    sizes: &'a [u8],
    k: usize,
    interrupts: u32,
}

impl Read for Pieces<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let rest = &self.data[self.pos..];
        if rest.is_empty() || buf.is_empty() {
            return Ok(0);
        }
        let mut want = buf.len();
        if !self.sizes.is_empty() {
            let s = self.sizes[self.k % self.sizes.len()];
            self.k += 1;
            if s == 0xff && self.interrupts < 64 {
                self.interrupts += 1;
                return Err(io::Error::from(io::ErrorKind::Interrupted));
            }
            if s & 0x80 == 0 {
                want = want.min(1 + usize::from(s & 0x0f));
            }
        }
        let n = want.min(rest.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        Ok(n)
    }
}

/// Decode as `T`; if that works, the value must survive a round trip.
fn round_trip<T>(f: &Frame)
where
    T: Serialize + for<'de> Deserialize<'de> + std::fmt::Debug,
{
    let Ok(v) = f.json::<T>() else { return };
    let bytes = serde_json::to_vec(&v).expect("a decoded message encodes");
    let again: T = serde_json::from_slice(&bytes).expect("an encoded message decodes");
    let bytes2 = serde_json::to_vec(&again).expect("encodes again");
    assert_eq!(bytes, bytes2, "{v:?} did not survive a round trip");
}

fuzz_target!(|input: &[u8]| {
    let Some((&n, rest)) = input.split_first() else {
        return;
    };
    let n = usize::from(n & 0x0f).min(rest.len());
    let (sizes, data) = rest.split_at(n);
    let mut r = Pieces {
        data,
        pos: 0,
        sizes,
        k: 0,
        interrupts: 0,
    };
    loop {
        let start = r.pos;
        let frame = match protocol::read_frame(&mut r) {
            Ok(f) => f,
            Err(ProtocolError::Closed) => {
                assert_eq!(start, data.len(), "closed with bytes left");
                return;
            }
            Err(ProtocolError::Io(e)) => panic!("an in-memory stream gave an I/O error: {e}"),
            // Malformed input ends the conversation, as in the daemon.
            Err(_) => return,
        };
        let mut encoded = Vec::new();
        protocol::write_frame(&mut encoded, frame.kind, &frame.payload).expect("encode");
        assert_eq!(
            &data[start..r.pos],
            &encoded[..],
            "the frame does not re-encode to the bytes it was read from"
        );
        // What the daemon and the client do with a frame's payload.
        round_trip::<Hello>(&frame);
        round_trip::<HelloOk>(&frame);
        round_trip::<Query>(&frame);
        round_trip::<Status>(&frame);
        round_trip::<ScanReport>(&frame);
        let _ = frame.text();
        let _ = frame.payload.first().copied().unwrap_or(2);
    }
});
