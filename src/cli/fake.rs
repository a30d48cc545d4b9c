//! `roster fake-hris`: a fake Personio or kiwiHR on loopback, for trying Roster without an account.

use clap::Args;

#[derive(Args, Debug)]
pub struct FakeHrisArgs {
    #[arg(long, value_parser = ["personio", "kiwihr"])]
    provider: String,
    #[arg(long, default_value_t = 500)]
    people: usize,
    #[arg(long, default_value_t = 4010)]
    port: u16,
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub async fn run(args: FakeHrisArgs) -> anyhow::Result<()> {
    match args.provider.as_str() {
        "personio" => crate::fake::personio::run_personio(args.port, args.people, args.seed).await,
        _ => crate::fake::kiwihr::run_kiwihr(args.port, args.people, args.seed).await,
    }
}
