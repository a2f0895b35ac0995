/* A guest program that dies of SIGSEGV: it stores through a null pointer. */
int main(void)
{
	volatile int *p = 0;

	/* Hide the value from the optimizer, which would otherwise turn the
	 * store into a trap instruction (SIGILL) or drop it. */
	__asm__ volatile("" : "+r"(p));
	*p = 1;
	return 0;
}
