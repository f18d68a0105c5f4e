// 32-bit ints: 2000000000 + 2000000000 overflows (and the 10^18 tests,
// later, would not even parse). Class Main: see accepted/Sum.java.
import java.util.Scanner;

class Main {
	public static void main(String[] args) {
		Scanner in = new Scanner(System.in);
		int a = in.nextInt(), b = in.nextInt();
		System.out.println(a + b);
	}
}
