// Sorted, on one line, separated by single spaces.
// judgebox stores a single Java source as Main.java and runs class Main,
// whatever the file is called: the class is Main, and not public, so that
// this file also compiles under its own name.
import java.util.Arrays;
import java.util.Scanner;
import java.util.StringJoiner;

class Main {
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
