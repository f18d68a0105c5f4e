// Sorted, on one line, separated by single spaces.
// The public class is named after the file, as problemtools runs it.
import java.util.Arrays;
import java.util.Scanner;
import java.util.StringJoiner;

public class Sort {
	public static void main(String[] args) {
		Scanner in = new Scanner(System.in);
		int n = in.nextInt();
		long[] a = new long[n];
		for (int i = 0; i < n; i++)
			a[i] = in.nextLong();
		Arrays.sort(a);
		StringJoiner line = new StringJoiner(" ");
		for (long x : a)
			line.add(Long.toString(x));
		System.out.println(line);
	}
}
