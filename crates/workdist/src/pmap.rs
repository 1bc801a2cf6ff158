//! A parallel map that hands results back as they complete.
//!
//! [`par_map`] takes items from an iterator (which may itself be lazy: a walk
//! that is still running), runs a function over them on a fixed set of worker
//! threads, and calls a consumer on the *calling* thread with each result. The
//! consumer is where a tool prints, aggregates or stops early, so it needs no
//! locking and may hold non-`Send` state.
//!
//! * **Order.** [`Order::Completion`] delivers results as soon as they are
//!   ready. [`Order::Input`] delivers them in input order, holding early
//!   finishers in a reorder buffer: a deterministic output from parallel work.
//! * **Back-pressure.** At most `window` items are in flight (dispatched but
//!   not yet delivered to the consumer). The feeder blocks past that, so a slow
//!   consumer, or one slow item at the head of an ordered run, bounds memory
//!   instead of letting finished results pile up.
//! * **Per-worker state.** `init` builds one state per worker (a searcher and
//!   its buffers) that the function reuses for every item it handles.
//! * **Faults.** A panic in the function is caught; the consumer receives
//!   [`Panicked`] for that item (with the panic message), the worker rebuilds
//!   its state and goes on. One bad item never takes the run down or hangs it.
//! * **Early stop.** When the consumer returns [`Flow::Quit`], no further
//!   item is dispatched, workers finish the item in hand and exit, and
//!   `par_map` returns once every thread has been joined.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};

use crossbeam_channel::bounded;

use crate::{Flow, panic_message};

/// In which order the consumer sees results.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// As they complete.
    Completion,
    /// In the order of the input items.
    Input,
}

/// How a map is run.
#[derive(Clone, Copy, Debug)]
pub struct MapOptions {
    /// Worker threads (at least one).
    pub threads: usize,
    pub order: Order,
    /// Items in flight at most; 0 means `threads * 8`.
    pub window: usize,
}

impl MapOptions {
    pub fn new(threads: usize, order: Order) -> MapOptions {
        MapOptions {
            threads,
            order,
            window: 0,
        }
    }
}

/// The function panicked on this item.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("worker panicked: {message}")]
pub struct Panicked {
    pub message: String,
}

/// Run `f` over `items` on `opts.threads` workers and give each result to
/// `consume` (with the item's index in the input) on the calling thread.
/// Returns the number of items dispatched.
pub fn par_map<T, R, S, I, Init, F, C>(
    items: I,
    opts: MapOptions,
    init: Init,
    f: F,
    mut consume: C,
) -> u64
where
    I: IntoIterator<Item = T>,
    I::IntoIter: Send,
    T: Send,
    R: Send,
    Init: Fn() -> S + Sync,
    F: Fn(&mut S, T) -> R + Sync,
    C: FnMut(u64, Result<R, Panicked>) -> Flow,
{
    let threads = opts.threads.max(1);
    let window = if opts.window == 0 {
        threads * 8
    } else {
        opts.window
    };
    let stop = AtomicBool::new(false);
    let (work_tx, work_rx) = bounded::<(u64, T)>(threads * 2);
    let (done_tx, done_rx) = bounded::<(u64, Result<R, Panicked>)>(window);
    // One token per item in flight: the feeder takes one before dispatching,
    // the consumer side gives it back when the result has been delivered.
    let (token_tx, token_rx) = bounded::<()>(window);
    let items = items.into_iter();

    std::thread::scope(|s| {
        let stop = &stop;
        let feeder = s.spawn(move || {
            let mut n = 0u64;
            for item in items {
                if stop.load(Ordering::Relaxed) || token_tx.send(()).is_err() {
                    break;
                }
                if work_tx.send((n, item)).is_err() {
                    break;
                }
                n += 1;
            }
            n
        });
        for _ in 0..threads {
            let work_rx = work_rx.clone();
            let done_tx = done_tx.clone();
            let (init, f) = (&init, &f);
            s.spawn(move || {
                let mut state = init();
                for (i, item) in work_rx.iter() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let result = match catch_unwind(AssertUnwindSafe(|| f(&mut state, item))) {
                        Ok(r) => Ok(r),
                        Err(payload) => {
                            // The state may be half-updated: start afresh.
                            state = init();
                            Err(Panicked {
                                message: panic_message(&*payload),
                            })
                        }
                    };
                    if done_tx.send((i, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop((work_rx, done_tx));

        let mut pending = BTreeMap::new();
        let mut next = 0u64;
        'results: for (i, result) in done_rx.iter() {
            match opts.order {
                Order::Completion => {
                    let _ = token_rx.try_recv();
                    if consume(i, result) == Flow::Quit {
                        break 'results;
                    }
                }
                Order::Input => {
                    pending.insert(i, result);
                    while let Some(result) = pending.remove(&next) {
                        let _ = token_rx.try_recv();
                        let flow = consume(next, result);
                        next += 1;
                        if flow == Flow::Quit {
                            break 'results;
                        }
                    }
                }
            }
        }
        stop.store(true, Ordering::SeqCst);
        // Unblock everyone: the feeder waiting for a token, workers waiting to
        // deliver a result.
        drop(token_rx);
        drop(done_rx);
        feeder.join().unwrap_or(0)
    })
}

/// How [`par_stream`] runs.
#[derive(Clone, Copy, Debug)]
pub struct StreamOptions {
    /// Worker threads (0: available cores).
    pub threads: usize,
    /// Stack size of each worker, for work that recurses deeply (parsing
    /// machine-generated code); 0 keeps rayon's default.
    pub stack_size: usize,
}

/// Run `f` over `items` on a dedicated rayon pool and hand each result to
/// `consume`, with the item's index, on the calling thread as soon as it
/// completes. `consume` returning [`Flow::Quit`] stops the remaining work.
/// A panic in `f` is caught and delivered as [`Panicked`] for that item.
///
/// Unlike [`par_map`] this takes all items up front (rayon splits the work
/// itself, stealing between threads), which suits a list of files known
/// before the work starts.
pub fn par_stream<T, R, F, C>(
    items: Vec<T>,
    opts: StreamOptions,
    f: F,
    mut consume: C,
) -> std::io::Result<()>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync + Send,
    C: FnMut(usize, Result<R, Panicked>) -> Flow,
{
    use rayon::prelude::*;
    let mut builder = rayon::ThreadPoolBuilder::new().num_threads(opts.threads);
    if opts.stack_size > 0 {
        builder = builder.stack_size(opts.stack_size);
    }
    let pool = builder.build().map_err(std::io::Error::other)?;
    let (tx, rx) = crossbeam_channel::bounded::<(usize, Result<R, Panicked>)>(1024);
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        let (f, stop) = (&f, &stop);
        let pool = &pool;
        s.spawn(move || {
            pool.install(|| {
                items
                    .into_par_iter()
                    .enumerate()
                    .for_each_with(tx, |tx, (i, item)| {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let r = catch_unwind(AssertUnwindSafe(|| f(item))).map_err(|payload| {
                            Panicked {
                                message: panic_message(&*payload),
                            }
                        });
                        if tx.send((i, r)).is_err() {
                            stop.store(true, Ordering::Relaxed);
                        }
                    });
            });
        });
        for (i, r) in rx.iter() {
            if consume(i, r) == Flow::Quit {
                stop.store(true, Ordering::Relaxed);
                break;
            }
        }
        drop(rx);
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::time::Duration;

    #[test]
    fn par_stream_delivers_everything_and_survives_panics() {
        let mut seen = Vec::new();
        let mut panics = 0;
        par_stream(
            (0..300u64).collect(),
            StreamOptions {
                threads: 3,
                stack_size: 8 << 20,
            },
            |x| {
                assert!(x != 150, "bad item");
                x * 3
            },
            |i, r| {
                match r {
                    Ok(v) => seen.push((i as u64, v)),
                    Err(_) => panics += 1,
                }
                Flow::Continue
            },
        )
        .expect("pool");
        seen.sort_unstable();
        assert_eq!(seen.len(), 299);
        assert_eq!(panics, 1);
        assert!(seen.iter().all(|(i, v)| *v == i * 3));
    }

    #[test]
    fn par_stream_stops_when_asked() {
        let done = AtomicUsize::new(0);
        let mut n = 0;
        par_stream(
            (0..100_000u32).collect(),
            StreamOptions {
                threads: 2,
                stack_size: 0,
            },
            |x| {
                done.fetch_add(1, Ordering::Relaxed);
                x
            },
            |_, _| {
                n += 1;
                if n == 5 { Flow::Quit } else { Flow::Continue }
            },
        )
        .expect("pool");
        assert_eq!(n, 5);
        assert!(done.load(Ordering::Relaxed) < 100_000);
    }

    #[test]
    fn input_order_is_preserved_despite_uneven_work() {
        let mut out = Vec::new();
        let n = par_map(
            0..200u64,
            MapOptions::new(4, Order::Input),
            || (),
            |_, x| {
                if x % 17 == 0 {
                    std::thread::sleep(Duration::from_millis(3));
                }
                x * 2
            },
            |i, r| {
                out.push((i, r.expect("no panic")));
                Flow::Continue
            },
        );
        assert_eq!(n, 200);
        let expected: Vec<(u64, u64)> = (0..200).map(|i| (i, i * 2)).collect();
        assert_eq!(out, expected);
    }

    #[test]
    fn completion_order_delivers_everything_once() {
        let mut seen = Vec::new();
        par_map(
            0..500u64,
            MapOptions::new(3, Order::Completion),
            || 0usize,
            |calls, x| {
                *calls += 1;
                x
            },
            |i, r| {
                assert_eq!(i, r.clone().expect("no panic"));
                seen.push(i);
                Flow::Continue
            },
        );
        seen.sort_unstable();
        assert_eq!(seen, (0..500).collect::<Vec<_>>());
    }

    #[test]
    fn a_panicking_item_is_reported_and_the_rest_goes_on() {
        let mut ok = 0;
        let mut panics = Vec::new();
        par_map(
            0..50u64,
            MapOptions::new(2, Order::Input),
            || (),
            |_, x| {
                if x == 7 {
                    panic!("bad item {x}");
                }
                x
            },
            |i, r| {
                match r {
                    Ok(_) => ok += 1,
                    Err(p) => panics.push((i, p.message)),
                }
                Flow::Continue
            },
        );
        assert_eq!(ok, 49);
        assert_eq!(panics, vec![(7, "bad item 7".to_string())]);
    }

    #[test]
    fn quit_stops_dispatch_of_an_endless_input() {
        let processed = AtomicUsize::new(0);
        let mut delivered = 0;
        let dispatched = par_map(
            0u64..,
            MapOptions::new(2, Order::Completion),
            || (),
            |_, x| {
                processed.fetch_add(1, Ordering::Relaxed);
                x
            },
            |_, _| {
                delivered += 1;
                if delivered == 10 {
                    Flow::Quit
                } else {
                    Flow::Continue
                }
            },
        );
        assert_eq!(delivered, 10);
        // Bounded by the window, never by the (infinite) input.
        assert!(dispatched < 100, "dispatched {dispatched}");
        assert!(processed.load(Ordering::Relaxed) < 100);
    }

    #[test]
    fn window_bounds_work_in_flight_behind_a_slow_head() {
        let in_flight_max = AtomicUsize::new(0);
        let started = AtomicUsize::new(0);
        let delivered = AtomicUsize::new(0);
        par_map(
            0..100u64,
            MapOptions {
                threads: 4,
                order: Order::Input,
                window: 8,
            },
            || (),
            |_, x| {
                let s = started.fetch_add(1, Ordering::SeqCst) + 1;
                let d = delivered.load(Ordering::SeqCst);
                in_flight_max.fetch_max(s - d, Ordering::SeqCst);
                if x == 0 {
                    std::thread::sleep(Duration::from_millis(50));
                }
                x
            },
            |_, _| {
                delivered.fetch_add(1, Ordering::SeqCst);
                Flow::Continue
            },
        );
        assert!(in_flight_max.load(Ordering::SeqCst) <= 8 + 1);
        assert_eq!(delivered.load(Ordering::SeqCst), 100);
    }
}
