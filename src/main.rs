fn main() {
    std::process::exit(lessons::cli::main());
}
