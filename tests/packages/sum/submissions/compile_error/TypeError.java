// A type error: a String where a long is wanted.
import java.util.Scanner;

public class TypeError {
	public static void main(String[] args) {
		Scanner in = new Scanner(System.in);
		long a = in.nextLong(), b = in.nextLong();
		long sum = "a + b";
		System.out.println(sum);
	}
}
