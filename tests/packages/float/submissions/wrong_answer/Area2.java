// 2 decimals: off by up to 0.005, far beyond the tolerance (1e-6).
// Class Main: see accepted/Area.java.
import java.util.Locale;
import java.util.Scanner;

class Main {
	public static void main(String[] args) {
		double r = new Scanner(System.in).useLocale(Locale.ROOT).nextDouble();
		System.out.printf(Locale.ROOT, "%.2f%n", Math.PI * r * r);
	}
}
