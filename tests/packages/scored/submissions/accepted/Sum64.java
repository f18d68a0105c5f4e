// The public class is named after the file, as problemtools runs it.
import java.util.Scanner;

public class Sum64 {
	public static void main(String[] args) {
		Scanner in = new Scanner(System.in);
		int n = in.nextInt();
		long s = 0;
		for (int i = 0; i < n; i++)
			s += in.nextLong();
		System.out.println(s);
	}
}
