fn main() -> std::process::ExitCode {
    pfiles_imports::main()
}
