// Sorted, but one number per line: presentation error.
import java.util.Arrays;
import java.util.Scanner;

public class Lines {
	public static void main(String[] args) {
		Scanner in = new Scanner(System.in);
		int n = in.nextInt();
		long[] a = new long[n];
		for (int i = 0; i < n; i++)
			a[i] = in.nextLong();
		Arrays.sort(a);
		for (long x : a)
			System.out.println(x);
	}
}
