fn main() {
    std::process::exit(lessons::cli::main());
}

// Parsing 100,000 lessons allocates many small strings across threads;
// mimalloc is markedly faster than glibc malloc at that.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
