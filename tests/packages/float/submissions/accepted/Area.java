// pi r^2 with 9 decimals (Locale.ROOT: a '.', whatever the locale).
// judgebox stores a single Java source as Main.java and runs class Main,
// whatever the file is called: the class is Main, and not public, so that
// this file also compiles under its own name.
import java.util.Locale;
import java.util.Scanner;

class Main {
	public static void main(String[] args) {
		double r = new Scanner(System.in).useLocale(Locale.ROOT).nextDouble();
		System.out.printf(Locale.ROOT, "%.9f%n", Math.PI * r * r);
	}
}
