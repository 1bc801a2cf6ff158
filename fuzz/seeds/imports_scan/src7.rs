fn f() { match ::a::b() {} if c { } ::d::e(); let x = y > ::f::G; <T>::h(); auto::Builder::new(); default::x(); }
impl<T> ::core::clone::Clone for U<T> {}
::p::q! { struct S; }
::r::s! { struct T; }