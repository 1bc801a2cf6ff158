pub mod hint {
    //! ```
    //! use dep::hint::spin;
    //! ```
    pub fn x() {}
}
fn f() { quote!(&'static ::std::ffi::OsStr); let s = r#"no::path"#; /* a /* b::c */ */ }