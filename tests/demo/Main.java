// Java: the JVM under its own seccomp policy, heap sized from the memory limit.
public class Main {
    public static void main(String[] args) {
        long sum = 0;
        for (int i = 1; i <= 1000000; i++) sum += i;
        System.out.println("hello from Java: 1 + ... + 1000000 = " + sum);
    }
}
