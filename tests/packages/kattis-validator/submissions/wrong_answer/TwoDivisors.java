// Two divisors where one is asked for: more output than the answer.
// Class Main: see accepted/Largest.java.
import java.util.Scanner;

class Main {
	public static void main(String[] args) {
		long n = new Scanner(System.in).nextLong(), d = 2;
		while (d * d <= n && n % d != 0)
			d++;
		System.out.println(d + " " + n / d);
	}
}
