// Not the entry point: it has no main.
public class Util {
	static long add(long a, long b) {
		return a + b;
	}
}
