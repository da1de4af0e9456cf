fn main() {
    std::process::exit(oktagraph::cli::main());
}
