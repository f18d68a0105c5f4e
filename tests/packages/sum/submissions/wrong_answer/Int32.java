// 32-bit ints: 2000000000 + 2000000000 overflows (and the 10^18 tests,
// later, would not even parse).
import java.util.Scanner;

public class Int32 {
	public static void main(String[] args) {
		Scanner in = new Scanner(System.in);
		int a = in.nextInt(), b = in.nextInt();
		System.out.println(a + b);
	}
}
