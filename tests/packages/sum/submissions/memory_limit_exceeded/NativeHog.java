// The heap alone cannot pass the memory limit: java.conf sets -Xmx to 3/4
// of it, so a heap hog ends in an OutOfMemoryError (run_time_error/
// HeapHog.java). Direct buffers have a cap of their own (-Xmx again).
// Native memory from sun.misc.Unsafe has none: 16 MiB at a time, each
// written, until the cgroup's limit ends the JVM. (Heap and direct
// buffers together pass the limit too, but slowly: the collector's work
// brings that close to the 1 s time limit.)
import java.lang.reflect.Field;
import sun.misc.Unsafe;

public class NativeHog {
	// Hostile: refuses to run anywhere but in a judgebox jail: as root (any
	// uid in /proc/self/status 0; UnixSystem.getUid() is no use, it says 0
	// when the uid has no passwd entry, as in the jail) or as other than one
	// of the first processes of a fresh pid namespace.
	static void refuseOutsideJail() {
		boolean jail = ProcessHandle.current().pid() <= 64;
		try {
			for (String l : java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/self/status")))
				if (l.startsWith("Uid:"))
					for (String id : l.substring(4).trim().split("\\s+"))
						jail &= !id.equals("0");
		} catch (Exception e) {
			jail = false;
		}
		if (!jail) {
			System.err.println("refusing to run: this program runs only inside a judgebox jail");
			System.exit(99);
		}
	}

	public static void main(String[] args) throws Exception {
		refuseOutsideJail();
		Field f = Unsafe.class.getDeclaredField("theUnsafe");
		f.setAccessible(true);
		Unsafe u = (Unsafe)f.get(null);
		for (;;) {
			long p = u.allocateMemory(16 << 20);
			u.setMemory(p, 16 << 20, (byte)1);
		}
	}
}
