// Go: built in the jail with its cache under /tmp, run under go.policy.
package main

import "fmt"

func main() {
	primes := 0
	for n := 2; n < 100000; n++ {
		p := true
		for d := 2; d*d <= n; d++ {
			if n%d == 0 {
				p = false
				break
			}
		}
		if p {
			primes++
		}
	}
	fmt.Printf("hello from Go: %d primes below 100000\n", primes)
}
