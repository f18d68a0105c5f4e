// A 32-bit sum (+= on an int casts silently): right on group1 (30 points),
// wrong on group2.
import java.util.Scanner;

public class Sum32 {
	public static void main(String[] args) {
		Scanner in = new Scanner(System.in);
		int n = in.nextInt();
		int s = 0;
		for (int i = 0; i < n; i++)
			s += in.nextLong();
		System.out.println(s);
	}
}
