// The largest divisor below n: n over the smallest above 1.
// The public class is named after the file, as problemtools runs it.
import java.util.Scanner;

public class Largest {
	public static void main(String[] args) {
		long n = new Scanner(System.in).nextLong(), d = 2;
		while (d * d <= n && n % d != 0)
			d++;
		System.out.println(n / d);
	}
}
