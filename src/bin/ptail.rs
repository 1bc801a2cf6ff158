fn main() -> std::process::ExitCode {
    pfiles_tail::main()
}
