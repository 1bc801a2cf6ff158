fn f() { use a::b; let x = c::d(); if !e::f() { g::h!(i::j); } }
#[cfg(test)]
mod tests { use super::*; #[cfg(feature = "x")] fn g() { use c::d; } }