// Prints without end (the output limit is 8 MiB), through an OutputStream
// on fd 1, as fast-output Java code does. The JVM ignores SIGXFSZ: the
// write at the limit throws an IOException, uncaught (exit 1), and
// judgeboxd sees the output at the limit: output_limit. (Through
// System.out the IOException would be swallowed, PrintStream only sets
// checkError(), and the loop would run into the time limit instead.)
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;

public class Flood {
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

	public static void main(String[] args) throws IOException {
		refuseOutsideJail();
		OutputStream out = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
		byte[] line = "1234567890123456789012345678901234567890\n".getBytes();
		for (;;)
			out.write(line);
	}
}
