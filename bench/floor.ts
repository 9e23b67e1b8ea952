import { Hono } from 'hono'

// The floor: a bare Hono route in the same workerd, measured in the same run as our Worker.
const app = new Hono()
app.all('*', (c) => c.text('ok'))
export default app
