// Rust: compiled with rustc -O, run under the strict allow-list.
fn main() {
    let v: Vec<u64> = (1..=20).collect();
    let product: u64 = v.iter().product();
    println!("hello from Rust: 20! = {}", product);
}
