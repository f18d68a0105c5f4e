// 2 decimals: off by up to 0.005, far beyond the tolerance (1e-6).
import java.util.Locale;
import java.util.Scanner;

public class Area2 {
	public static void main(String[] args) {
		double r = new Scanner(System.in).useLocale(Locale.ROOT).nextDouble();
		System.out.printf(Locale.ROOT, "%.2f%n", Math.PI * r * r);
	}
}
