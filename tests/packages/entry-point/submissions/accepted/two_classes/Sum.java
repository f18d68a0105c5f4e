// No file is main.*: the entry point is the source file first in byte
// order, Sum.java ('S' before 'U'), whose class is Sum.
import java.util.Scanner;

public class Sum {
	public static void main(String[] args) {
		Scanner in = new Scanner(System.in);
		System.out.println(Util.add(in.nextLong(), in.nextLong()));
	}
}
