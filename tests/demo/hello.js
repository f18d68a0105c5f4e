// JavaScript (Node): the same job as the others, in V8.
const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));
console.log(`hello from Node ${process.version}: fib(25) = ${fib(25)}`);
