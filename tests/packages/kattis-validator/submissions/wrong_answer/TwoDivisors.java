// Two divisors where one is asked for: more output than the answer.
import java.util.Scanner;

public class TwoDivisors {
	public static void main(String[] args) {
		long n = new Scanner(System.in).nextLong(), d = 2;
		while (d * d <= n && n % d != 0)
			d++;
		System.out.println(d + " " + n / d);
	}
}
