// The largest divisor below n: n over the smallest above 1.
// judgebox stores a single Java source as Main.java and runs class Main,
// whatever the file is called: the class is Main, and not public, so that
// this file also compiles under its own name.
import java.util.Scanner;

class Main {
	public static void main(String[] args) {
		long n = new Scanner(System.in).nextLong(), d = 2;
		while (d * d <= n && n % d != 0)
			d++;
		System.out.println(n / d);
	}
}
