// judgebox stores a single Java source as Main.java and runs class Main,
// whatever the file is called: the class is Main, and not public, so that
// this file also compiles under its own name.
import java.util.Scanner;

class Main {
	public static void main(String[] args) {
		Scanner in = new Scanner(System.in);
		long a = in.nextLong(), b = in.nextLong();
		System.out.println(a + b);
	}
}
