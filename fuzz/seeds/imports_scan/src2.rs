#[macro_use] extern crate lazy_static;
extern crate rand as random;
/// ```
/// use docdep::Thing;
/// ```
#[derive(Debug, serde::Serialize)]
struct S { #[serde(with = "serde_with::rust::display")] x: u8, y: a::B }