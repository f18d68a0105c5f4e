// pi r^2 with 9 decimals (Locale.ROOT: a '.', whatever the locale).
// The public class is named after the file, as problemtools runs it.
import java.util.Locale;
import java.util.Scanner;

public class Area {
	public static void main(String[] args) {
		double r = new Scanner(System.in).useLocale(Locale.ROOT).nextDouble();
		System.out.printf(Locale.ROOT, "%.9f%n", Math.PI * r * r);
	}
}
