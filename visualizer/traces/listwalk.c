/* listwalk: walk a linked list whose nodes lie one per page, in shuffled order.
 *
 * A pointer chase over NODES pages: every step lands on another page, so once NODES exceeds
 * the TLB's reach (64 entries by default) nearly every step is a TLB miss — a page walk of
 * 4 references natively or in shadow mode, 24 in nested mode. The built-in "program" workload
 * is this program's memory trace:
 *
 *   gcc -O1 -static -o listwalk listwalk.c
 *   valgrind --tool=lackey --trace-mem=yes --log-file=listwalk.lackey ./listwalk
 *   gzip -9 -n listwalk.lackey          # → listwalk.lackey.gz
 *
 * (Static linking keeps the dynamic loader's relocations out of the trace.)
 */
#include <stdio.h>
#include <stdlib.h>

#define NODES 256
#define ROUNDS 24
#define PAGE 4096

struct node {
    struct node *next;
    long value;
    char pad[PAGE - sizeof(struct node *) - sizeof(long)];
};

static unsigned xorshift(unsigned *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

int main(void)
{
    struct node *nodes = aligned_alloc(PAGE, NODES * sizeof(struct node));
    int order[NODES];
    unsigned seed = 2463534242u;
    long sum = 0;

    if (!nodes)
        return 1;
    for (int i = 0; i < NODES; i++)
        order[i] = i;
    for (int i = NODES - 1; i > 0; i--) { /* Fisher-Yates shuffle */
        int j = xorshift(&seed) % (i + 1);
        int t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    for (int i = 0; i < NODES; i++) {
        nodes[order[i]].next = &nodes[order[(i + 1) % NODES]];
        nodes[order[i]].value = i;
    }
    for (int r = 0; r < ROUNDS; r++) {
        struct node *p = &nodes[order[0]];
        for (int i = 0; i < NODES; i++) {
            sum += p->value;
            p = p->next;
        }
    }
    printf("%ld\n", sum);
    free(nodes);
    return 0;
}
