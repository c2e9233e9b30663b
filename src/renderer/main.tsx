import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { api } from './api'
import { App } from './app/app'
import { createStudioStores } from './app/create-studio-stores'
import { StudioProvider } from './store/studio-context'
import './styles/app.css'

const stores = createStudioStores(api)

const root = document.getElementById('root')
if (root === null) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <StudioProvider stores={stores}>
      <App />
    </StudioProvider>
  </StrictMode>,
)
