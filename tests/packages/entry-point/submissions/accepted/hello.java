// A public class named after its file (hello.java), in lower case, as
// teams write it: problemtools runs class hello.
import java.util.Scanner;

public class hello {
	public static void main(String[] args) {
		Scanner in = new Scanner(System.in);
		long a = in.nextLong(), b = in.nextLong();
		System.out.println(a + b);
	}
}
